/* SM3, HMAC-SM3 and SM4-CTR over OpenSSL EVP (see crypto.h). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <commpolice/sys/alloc.h>

#include "util/alloc.h"
#include "util/crypto.h"
#include "util/error.h"

struct cpol_sm3 {
    EVP_MD_CTX *md;
};


/* EVP failure: OpenSSL's own reason, so a host missing the SM algorithms
 * (a FIPS-only provider, say) learns why. */
static int evp_error(const char *what)
{
    char reason[256];
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    else
        strcpy(reason, "no reason given");
    ERR_clear_error();
    return cpol__error(CPOL_ERROR, "OpenSSL %s failed: %s", what, reason);
}

int cpol__sm3_new(cpol_sm3 **out)
{
    cpol_sm3 *h = cpol__calloc(1, sizeof *h);
    *out = NULL;
    if (!h)
        return cpol__oom();
    h->md = EVP_MD_CTX_new();
    if (!h->md) {
        cpol_free(h);
        return cpol__oom();
    }
    if (EVP_DigestInit_ex(h->md, EVP_sm3(), NULL) != 1) {
        cpol__sm3_free(h);
        return evp_error("SM3 init");
    }
    *out = h;
    return CPOL_OK;
}

int cpol__sm3_update(cpol_sm3 *h, const void *p, size_t n)
{
    if (n && EVP_DigestUpdate(h->md, p, n) != 1)
        return evp_error("SM3 update");
    return CPOL_OK;
}

int cpol__sm3_final(cpol_sm3 *h, unsigned char out[CPOL__SM3_LEN])
{
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(h->md, out, &len) != 1 || len != CPOL__SM3_LEN)
        return evp_error("SM3 final");
    if (EVP_DigestInit_ex(h->md, EVP_sm3(), NULL) != 1)
        return evp_error("SM3 init");
    return CPOL_OK;
}

void cpol__sm3_free(cpol_sm3 *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->md);
    cpol_free(h);
}

int cpol__sm3(const void *p, size_t n, unsigned char out[CPOL__SM3_LEN])
{
    unsigned int len = 0;
    if (EVP_Digest(p, n, out, &len, EVP_sm3(), NULL) != 1 || len != CPOL__SM3_LEN)
        return evp_error("SM3");
    return CPOL_OK;
}

int cpol__crypto_algs_fetch(cpol_crypto_algs *a)
{
    a->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    a->sm4_ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
    if (!a->hmac || !a->sm4_ctr) {
        cpol__crypto_algs_free(a);
        return evp_error("fetching HMAC and SM4-CTR");
    }
    return CPOL_OK;
}

void cpol__crypto_algs_free(cpol_crypto_algs *a)
{
    EVP_MAC_free(a->hmac);
    EVP_CIPHER_free(a->sm4_ctr);
    a->hmac = a->sm4_ctr = NULL;
}

int cpol__hmac_sm3(const cpol_crypto_algs *algs, const unsigned char *key, size_t key_len, const void *p, size_t n,
                   unsigned char out[CPOL__SM3_LEN])
{
    EVP_MAC *own = NULL, *mac = algs ? algs->hmac : NULL;
    EVP_MAC_CTX *m = NULL;
    OSSL_PARAM params[2];
    size_t len = 0;
    int ok;
    if (!mac)
        mac = own = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac)
        return evp_error("HMAC fetch");
    m = EVP_MAC_CTX_new(mac);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3", 0);
    params[1] = OSSL_PARAM_construct_end();
    ok = m && EVP_MAC_init(m, key, key_len, params) == 1 && EVP_MAC_update(m, p, n) == 1 &&
         EVP_MAC_final(m, out, &len, CPOL__SM3_LEN) == 1 && len == CPOL__SM3_LEN;
    EVP_MAC_CTX_free(m);
    EVP_MAC_free(own);
    return ok ? CPOL_OK : evp_error("HMAC-SM3");
}

int cpol__sm4_ctr(const cpol_crypto_algs *algs, const unsigned char key[CPOL__SM4_KEY],
                  const unsigned char iv[CPOL__SM4_IV], const unsigned char *in, size_t n, unsigned char *out)
{
    EVP_CIPHER *own = NULL, *cipher = algs ? algs->sm4_ctr : NULL;
    EVP_CIPHER_CTX *c;
    int len = 0, fin = 0, ok;
    if (n > (size_t)0x7fffffff)
        return cpol__error(CPOL_ETOOLONG, "SM4: %zu bytes is too much for one value", n);
    if (!cipher)
        cipher = own = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
    if (!cipher)
        return evp_error("SM4-CTR fetch");
    c = EVP_CIPHER_CTX_new();
    if (!c) {
        EVP_CIPHER_free(own);
        return cpol__oom();
    }
    ok = EVP_EncryptInit_ex2(c, cipher, key, iv, NULL) == 1 && EVP_EncryptUpdate(c, out, &len, in, (int)n) == 1 &&
         EVP_EncryptFinal_ex(c, out + len, &fin) == 1 && (size_t)(len + fin) == n;
    EVP_CIPHER_CTX_free(c);
    EVP_CIPHER_free(own);
    return ok ? CPOL_OK : evp_error("SM4-CTR");
}

int cpol__random(unsigned char *out, size_t n)
{
    if (n > (size_t)0x7fffffff || RAND_bytes(out, (int)n) != 1)
        return evp_error("random bytes");
    return CPOL_OK;
}

int cpol__ct_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

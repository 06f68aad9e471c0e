/* China's commercial cryptography through OpenSSL 3's EVP interface: SM3
 * digests, HMAC-SM3 and SM4-CTR. The library writes no cipher of its own
 * (密评 asks for approved algorithms from a maintained implementation); this
 * file only adapts EVP to the few shapes the library needs, and reports every
 * EVP failure as CPOL_ERROR with OpenSSL's reason. */
#ifndef CPOL_UTIL_CRYPTO_H
#define CPOL_UTIL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CPOL__SM3_LEN 32   /* SM3 digest bytes */
#define CPOL__SM4_KEY 16   /* SM4 key bytes */
#define CPOL__SM4_IV 16    /* SM4-CTR initial counter bytes */

/* An incremental SM3 digest. */
typedef struct cpol_sm3 cpol_sm3;

int cpol__sm3_new(cpol_sm3 **out);                 /* CPOL_ENOMEM, CPOL_ERROR */
int cpol__sm3_update(cpol_sm3 *h, const void *p, size_t n);
/* Write the digest and reset the state for reuse. */
int cpol__sm3_final(cpol_sm3 *h, unsigned char out[CPOL__SM3_LEN]);
void cpol__sm3_free(cpol_sm3 *h);

/* HMAC and SM4-CTR fetched from OpenSSL once per open store (an implicit
 * fetch on every call costs more than the operation on a short value). Held
 * by the store, never by a static: the library may be unloaded (a Lua or
 * Python module) while OpenSSL stays. NULL members: fetched per call. */
typedef struct cpol_crypto_algs {
    void *hmac;      /* EVP_MAC "HMAC" */
    void *sm4_ctr;   /* EVP_CIPHER "SM4-CTR" */
} cpol_crypto_algs;

int cpol__crypto_algs_fetch(cpol_crypto_algs *a);
void cpol__crypto_algs_free(cpol_crypto_algs *a);

/* One-shot SM3 and HMAC-SM3 (algs may be NULL). */
int cpol__sm3(const void *p, size_t n, unsigned char out[CPOL__SM3_LEN]);
int cpol__hmac_sm3(const cpol_crypto_algs *algs, const unsigned char *key, size_t key_len, const void *p, size_t n,
                   unsigned char out[CPOL__SM3_LEN]);

/* SM4-CTR: out receives n bytes (in place allowed). Encryption and
 * decryption are the same operation (algs may be NULL). */
int cpol__sm4_ctr(const cpol_crypto_algs *algs, const unsigned char key[CPOL__SM4_KEY],
                  const unsigned char iv[CPOL__SM4_IV], const unsigned char *in, size_t n, unsigned char *out);

/* Cryptographically strong random bytes (for IVs). */
int cpol__random(unsigned char *out, size_t n);

/* Constant-time comparison: 1 if equal. */
int cpol__ct_equal(const unsigned char *a, const unsigned char *b, size_t n);

#endif

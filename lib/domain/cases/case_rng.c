/* A small seeded random source for spot checks: splitmix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", 2014; the
 * constants of Vigna's reference implementation). The same seed gives the
 * same sequence on every platform and backend, so a sample can be redrawn
 * from its recorded seed. Not for anything secret. */
#include "domain/cases/case_tables.h"

void cpol__rng_seed(cpol__rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t cpol__rng_next(cpol__rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t cpol__rng_below(cpol__rng *r, uint64_t bound)
{
    /* reject the lowest 2^64 mod bound values, so every residue is equally likely */
    uint64_t threshold = (0 - bound) % bound, x;
    do
        x = cpol__rng_next(r);
    while (x < threshold);
    return x % bound;
}

/* The byte and bit streams of golden/bits.py: big-endian words stored and loaded, the bit
   reader on a stream padded with 8 zero bytes, and what a decoder ends with. Part of
   _core.c's one translation unit (#included), so that the compiler inlines across files */

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = (uint8_t)v;
}

static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/* what a decoder ends with: decode() turns each but DECODED into the golden model's error */
enum { DECODED, TRUNCATED, OUT_OF_RANGE, TRAILING, OUTSIDE, NO_MEMORY, CODABLE_ESCAPE };

/* golden.bits.BitReader on a stream followed by 8 zero bytes: the next `bits` (<= 32) */
typedef struct {
    const uint8_t *padded;
    uint64_t position, total;
} BitSource;

static inline int read_bits(BitSource *b, int bits, uint32_t *value)
{
    if (b->position + bits > b->total)
        return -1;
    uint64_t window = load_be64(b->padded + (b->position >> 3)) << (b->position & 7);
    *value = bits ? (uint32_t)(window >> (64 - bits)) : 0;
    b->position += bits;
    return 0;
}

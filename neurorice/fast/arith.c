/* golden/arith.py and golden/rangecoder.py: the arithmetic-coded back end, encoder and
   decoder. Part of _core.c's one translation unit (#included) */

/* golden/rangecoder.py */
#define RANGE_BITS 16
#define PROB_BITS 15
#define INITIAL_RANGE ((1u << RANGE_BITS) - 1)
/* golden/arith.py */
#define SYMBOLS 32
#define ESCAPE (SYMBOLS - 1)
#define TOP_BITS 2
#define RATE 12
#define MIN_FREQUENCY 1
#define ADAPTIVE_TOTAL ((1u << PROB_BITS) - SYMBOLS * MIN_FREQUENCY)
#define PRIOR_COUNT 63
static const uint16_t PRIOR[SYMBOLS] = {
    4401, 4229, 3945, 3592, 3192, 2762, 2337, 1934, 1561, 1231, 953, 723, 536, 392,
    281, 200, 139, 96, 67, 46, 32, 23, 16, 11, 8, 6, 4, 3, 3, 2, 2, 9};

/* ---- the arithmetic-coded back end: golden/arith.py and golden/rangecoder.py ---- */

/* AdaptiveCdf: cdf[] has RATE fraction bits, < 2^27; int32 for the arithmetic shift of
   context_update() */
typedef struct {
    _Alignas(16) int32_t cdf[SYMBOLS + 1];
    uint32_t count;
} Context;

static void context_reset(Context *c)
{
    int32_t sum = 0;
    for (int i = 0; i < SYMBOLS; i++) {
        c->cdf[i] = sum << RATE;
        sum += PRIOR[i];
    }
    c->cdf[SYMBOLS] = sum << RATE;
    c->count = PRIOR_COUNT;
}

/* AdaptiveCdf.cumulative()[s] */
static inline uint32_t cumulative(const Context *c, int s)
{
    return ((uint32_t)c->cdf[s] >> RATE) + MIN_FREQUENCY * (uint32_t)s;
}

/* AdaptiveCdf.update() as one expression for both directions. With T = ADAPTIVE_TOTAL << RATE,
   a multiple of 2^shift (shift <= RATE), and B = 2^shift - 1:
       up:   c + ((T - c) >> shift) = c - ((c - T + B) >> shift)   (floor of a negative)
       down: c - (c >> shift)
   so c -= (c + a) >> shift, arithmetically, with a = B - T above the symbol and 0 at and
   below it. ADJUST[shift] holds SYMBOLS zeros then SYMBOLS of B - T: the a of symbol s starts
   at its SYMBOLS - 1 - s. */
#define REPEAT4(v) v, v, v, v
#define REPEAT32(v) REPEAT4(v), REPEAT4(v), REPEAT4(v), REPEAT4(v), \
                    REPEAT4(v), REPEAT4(v), REPEAT4(v), REPEAT4(v)
#define ADJUST_ROW(shift) \
    {REPEAT32(0), REPEAT32((1 << (shift)) - 1 - (int32_t)(ADAPTIVE_TOTAL << RATE))}
static const int32_t ADJUST[RATE + 1][2 * SYMBOLS] = {
    ADJUST_ROW(0), ADJUST_ROW(1), ADJUST_ROW(2), ADJUST_ROW(3), ADJUST_ROW(4),
    ADJUST_ROW(5), ADJUST_ROW(6), ADJUST_ROW(7), ADJUST_ROW(8), ADJUST_ROW(9),
    ADJUST_ROW(10), ADJUST_ROW(11), ADJUST_ROW(12)};
_Static_assert(RATE == 12, "ADJUST has a row for each shift up to RATE");

/* AdaptiveCdf.update(); a loop without branches, which the compiler vectorises; it includes
   cdf[0], which stays 0, to run over a whole number of vectors */
static inline void context_update(Context *c, int symbol)
{
    int shift = 32 - __builtin_clz(c->count + 1);
    shift = shift < RATE ? shift : RATE;
    const int32_t *restrict adjust = ADJUST[shift] + SYMBOLS - 1 - symbol;
    int32_t *restrict cdf = c->cdf;
    for (int i = 0; i < SYMBOLS; i++)
        cdf[i] -= (cdf[i] + adjust[i]) >> shift;
    c->count += c->count < (1u << RATE) - 1;
}

/* encode_arith() for `mono` a constant: with 1 (one channel, as the challenge's recordings),
   the channel's state is a local copy, which the compiler keeps in registers rather than
   in memory behind a pointer (about a tenth faster, both ways) */
static inline __attribute__((always_inline)) uint8_t *
encode_arith_with(const uint16_t *samples, Py_ssize_t count, int width, const Near *n,
                  Channel *state, Py_ssize_t channels, uint8_t *out, Py_ssize_t *bad, int mono)
{
    Channel one = *state;
    const int32_t top = (1 << width) - 1;
    Context contexts[MAX_WIDTH];
    for (int k = 0; k < width; k++)
        context_reset(&contexts[k]);
    uint64_t low = 0;     /* RANGE_BITS + fill bits, and a carry above them after a step */
    uint32_t range = INITIAL_RANGE;
    int fill = 0;         /* bits of low beyond the RANGE_BITS window, 0 .. 7 between steps */
    uint8_t *o = out;
    Channel *ch = mono ? &one : state, *last = state + channels - 1;
    for (Py_ssize_t i = 0; i < count; i++) {
        int32_t sample = samples[i], f[4];
        if (sample > top) {
            *bad = i;
            return NULL;
        }
        int32_t prediction;
        int32_t error = residual(ch, f, &sample, &prediction, top, width, n);
        int k = rice_k(ch, width);
        uint32_t value = zigzag(error);
        /* ArithEncoder.write(): split() */
        int low_bits = k > TOP_BITS ? k - TOP_BITS : 0;
        uint32_t symbol = value >> low_bits, rest = value & ((1u << low_bits) - 1);
        if (symbol >= ESCAPE) {
            symbol = ESCAPE;
            rest = value;
            low_bits = width;
        }
        /* RangeEncoder.encode() then bypass(): both shifts in one */
        Context *c = &contexts[k];
        uint32_t bottom = (range * cumulative(c, symbol)) >> PROB_BITS;
        uint32_t top_ = (range * cumulative(c, symbol + 1)) >> PROB_BITS;
        range = top_ - bottom;
        int shift = __builtin_clz(range) - (32 - RANGE_BITS);
        range <<= shift;
        low = ((low + bottom) << (shift + low_bits)) + (uint64_t)rest * range;
        fill += shift + low_bits; /* at most 7 + 15 + 16 */
        int window = RANGE_BITS + fill;
        if (__builtin_expect(low >> window, 0)) { /* the carry, into the bytes written */
            uint8_t *p = o;
            while (p > out && *--p == 0xFF)
                *p = 0;
            ++*p;
            low &= ((uint64_t)1 << window) - 1;
        }
        /* RangeEncoder._shift_in(): the whole bytes above the window, stored without a
           branch (8 bytes, of which the next store overwrites those not kept) */
        store_be64(o, low << (64 - window));
        o += fill >> 3;
        fill &= 7;
        low &= ((uint64_t)1 << (RANGE_BITS + fill)) - 1;
        context_update(c, symbol);
        update(ch, f, sample, prediction, error);
        if (!mono)
            ch = ch == last ? state : ch + 1;
    }
    /* RangeEncoder.finish(): the rest of low, MSB first, the last byte padded with zeros */
    int window = RANGE_BITS + fill;
    store_be64(o, low << (64 - window));
    return o + (window + 7) / 8;
}

/* golden.core.encode() with coder="arith" (ArithEncoder, RangeEncoder) into `out`, which has
   room for an 8-byte store 6 bytes past its end (encode()); the end of the output, or NULL
   with *bad the first sample that is not a width-bit value. Without the GIL.

   The range coder's state is in locals, and its bytes go straight to `out`: the golden
   encoder holds back the last byte a carry can still change and the 0xFF bytes after it;
   here every byte above the window is written at once, and a carry (rare) is added to the
   bytes already written, which is the same number. It never runs past the first byte: the
   interval stays within [0, 2^(RANGE_BITS + bits shifted)). */
static uint8_t *encode_arith(const uint16_t *samples, Py_ssize_t count, int width,
                             const Near *n, Channel *state, Py_ssize_t channels,
                             uint8_t *out, Py_ssize_t *bad)
{
    if (channels == 1)
        return encode_arith_with(samples, count, width, n, state, 1, out, bad, 1);
    return encode_arith_with(samples, count, width, n, state, channels, out, bad, 0);
}

#ifdef USE_SSE2
/* The mask, a 16-bit lane a symbol, of the symbols s .. s + 7 whose narrowed bottom is at
   most the code: (range * bound) >> PROB_BITS as (range16 * 2 bound) >> 16 (pmulhuw). */
static inline __m128i at_most_code(const Context *c, int s, __m128i range16, __m128i code16)
{
    /* bound(s .. s + 7): cdf >> RATE < 2^15, so the signed saturating pack is exact */
    __m128i low = _mm_srli_epi32(_mm_load_si128((const __m128i *)(c->cdf + s)), RATE);
    __m128i high = _mm_srli_epi32(_mm_load_si128((const __m128i *)(c->cdf + s + 4)), RATE);
    __m128i bound = _mm_add_epi16(_mm_packs_epi32(low, high),
                                  _mm_setr_epi16(s, s + 1, s + 2, s + 3, s + 4, s + 5, s + 6,
                                                 s + 7)); /* MIN_FREQUENCY 1 */
    __m128i product = _mm_mulhi_epu16(range16, _mm_add_epi16(bound, bound));
    /* product <= code: the saturating difference is 0 */
    return _mm_cmpeq_epi16(_mm_subs_epu16(product, code16), _mm_setzero_si128());
}
#endif

/* RangeDecoder.decode()'s search: the symbol s whose (range * bound(s)) >> PROB_BITS is the
   largest at most `code`, found as the count of the bounds so placed, less symbol 0's,
   without a division. With range < 2^16 and 2 bound(s) < 2^16 for s < SYMBOLS, each product
   is a 16 x 16-bit multiply-high, (range * 2 bound(s)) >> 16: with SSE2 (every x86-64),
   8 a vector (pmulhuw); elsewhere the same, a symbol at a time. */
static inline int find_symbol(const Context *c, uint32_t range, uint32_t code)
{
#ifdef USE_SSE2
    const __m128i range16 = _mm_set1_epi16((short)range), code16 = _mm_set1_epi16((short)code);
    /* the products rise with s, so the symbols at most the code are a prefix: a bit a
       symbol, 16 at a time, and its trailing ones count them. Symbols 16 and up are rare
       (1.4 % of PRIOR), so they are looked at only when all of the first 16 are below. */
    unsigned mask = (unsigned)_mm_movemask_epi8(
        _mm_packs_epi16(at_most_code(c, 0, range16, code16), at_most_code(c, 8, range16, code16)));
    if (__builtin_expect(mask != 0xFFFF, 1))
        return __builtin_ctz(~mask) - 1;
    mask = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(at_most_code(c, 16, range16, code16),
                                                       at_most_code(c, 24, range16, code16)));
    return 16 + __builtin_ctz(~mask) - 1;
#else
    int count = 0;
    for (int s = 0; s < SYMBOLS; s++)
        count += ((range * 2 * cumulative(c, s)) >> 16) <= code;
    return count - 1;
#endif
}

/* decode_arith() for `mono` a constant, as encode_arith_with() */
static inline __attribute__((always_inline)) int
decode_arith_with(BitSource *bits, Py_ssize_t count, int width, const Near *n, Channel *state,
                  Py_ssize_t channels, uint16_t **out, Py_ssize_t *capacity,
                  Py_ssize_t *decoded, int mono)
{
    Channel one = *state;
    const int32_t top = (1 << width) - 1;
    Context contexts[MAX_WIDTH];
    for (int k = 0; k < width; k++)
        context_reset(&contexts[k]);
    uint32_t range = INITIAL_RANGE, code, more;
    *decoded = 0;
    if (read_bits(bits, RANGE_BITS, &code) < 0)
        return TRUNCATED;
    if (code >= range)
        return OUTSIDE;
    Channel *ch = mono ? &one : state, *last = state + channels - 1;
    for (Py_ssize_t i = 0; i < count; i++, *decoded = i) {
        if (i == *capacity) {
            Py_ssize_t grown = *capacity < count / 2 ? 2 * *capacity : count;
            uint16_t *bigger = realloc(*out, grown * 2 + 2);
            if (!bigger)
                return NO_MEMORY;
            *out = bigger;
            *capacity = grown;
        }
        int32_t f[4];
        features(ch, f);
        int32_t prediction = predict(ch, f, top);
        int k = rice_k(ch, width);
        Context *c = &contexts[k];
        int symbol = find_symbol(c, range, code);
        uint32_t bottom = (range * cumulative(c, symbol)) >> PROB_BITS;
        uint32_t top_ = (range * cumulative(c, symbol + 1)) >> PROB_BITS;
        code -= bottom;
        range = top_ - bottom;
        int shift = __builtin_clz(range) - (32 - RANGE_BITS);
        range <<= shift;
        context_update(c, symbol);
        /* the normalisation's bits and the bypass bits in one read (<= 15 + 16 bits): the
           golden decoder reads them in two, and fails the same way if either is missing */
        int low_bits = symbol == ESCAPE ? width : k > TOP_BITS ? k - TOP_BITS : 0;
        if (read_bits(bits, shift + low_bits, &more) < 0)
            return TRUNCATED;
        code = (code << shift) | (more >> low_bits);
        more &= (1u << low_bits) - 1;
        /* RangeDecoder.bypass() */
        uint32_t rest = 0;
        if (low_bits <= 2) { /* the usual case: a division bit by bit */
            for (int b = 0; b < low_bits; b++) {
                code = (code << 1) | ((more >> (low_bits - 1 - b)) & 1);
                uint32_t bit = code >= range;
                rest = (rest << 1) | bit;
                code -= bit * range;
            }
        } else { /* code < range < 2^16 and low_bits <= 16: all within 32 bits */
            uint32_t wide = (code << low_bits) | more;
            rest = wide / range;
            code = wide - rest * range;
        }
        uint32_t value = symbol == ESCAPE ? rest : ((uint32_t)symbol << low_bits) | rest;
        int32_t error = unzigzag(value);
        int32_t sample;
        if (n->near) {
            if (near_reduce(error, n) != error)
                return OUT_OF_RANGE;
            sample = near_restore(prediction, error, n);
        } else {
            sample = (prediction + error) & top;
            if (reduce(sample - prediction, width) != error)
                return OUT_OF_RANGE;
        }
        (*out)[i] = (uint16_t)sample;
        update(ch, f, sample, prediction, error);
        if (!mono)
            ch = ch == last ? state : ch + 1;
    }
    /* ArithDecoder.at_end(): the code back at the interval's base */
    return code ? TRAILING : DECODED;
}

/* golden.core.decode() with coder="arith" (ArithDecoder, RangeDecoder) into *out, which grows
   up to `count` samples; the status, and in *decoded the samples decoded. Without the GIL. */
static int decode_arith(BitSource *bits, Py_ssize_t count, int width, const Near *n,
                        Channel *state, Py_ssize_t channels, uint16_t **out,
                        Py_ssize_t *capacity, Py_ssize_t *decoded)
{
    if (channels == 1)
        return decode_arith_with(bits, count, width, n, state, 1, out, capacity, decoded, 1);
    return decode_arith_with(bits, count, width, n, state, channels, out, capacity, decoded, 0);
}

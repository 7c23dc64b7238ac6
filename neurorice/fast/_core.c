/* The codec core of golden/core.py in C, bit for bit, and the container's per-sample work.
 *
 * Each function here does what the named golden function does (same steps, same order, same
 * errors); golden/ is the specification and tests/test_fast_*.py hold the two together. The
 * constants are the golden model's and are exported so that a test can check them.
 *
 * Widths: a sample has at most 16 bits, so a feature fits 17 bits and a weight 16; the
 * prediction sums four 33-bit products in 64 bits. A codeword is at most ESCAPE_ZEROS + 16 =
 * 32 bits, so the bit packer's 64-bit accumulator never holds more than 63 pending bits.
 * `>>` on negative values is arithmetic, as golden's floor shift; gcc or clang (for
 * __builtin_clzll).
 *
 * Built against the limited API of Python 3.11 (abi3), so that any CPython >= 3.11 loads it.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* SSE2 (every x86-64) where the compiler targets it; NEURORICE_PORTABLE builds the plain C
   that other processors run instead, which tests/test_fast_build.py holds to the same bits */
#if defined(__SSE2__) && !defined(NEURORICE_PORTABLE)
#define USE_SSE2 1
#include <emmintrin.h>
#endif

/* golden/rice.py */
#define ESCAPE_ZEROS 16
#define RESET 256
/* golden/predictor.py */
#define AVERAGE_FRAC 8
#define AVERAGE_SHIFT_FAST 3
#define AVERAGE_SHIFT_SLOW 8
#define WEIGHT_FRAC 14
#define WEIGHT_MIN (-8192)
#define WEIGHT_MAX 8191
#define STEP 4
/* golden/core.py */
#define MAX_WIDTH 16
#define MAX_CHANNELS 65535
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

static PyObject *truncated_error; /* golden.bits.TruncatedError */

/* One channel: golden.core.ChannelState, that is a Predictor and a RiceAdapter. */
typedef struct {
    _Alignas(16) int32_t weight[4];
    int32_t history[3];
    int32_t average[2];
    int32_t total, count;
} Channel;

static void channel_reset(Channel *ch, int width)
{
    int32_t mid = 1 << (width - 1);
    int32_t total = ((1 << width) + 32) >> 6;
    memset(ch, 0, sizeof *ch);
    ch->history[0] = ch->history[1] = ch->history[2] = mid;
    ch->average[0] = ch->average[1] = mid << AVERAGE_FRAC;
    ch->total = total > 2 ? total : 2;
    ch->count = 1;
}

/* -1, 0 or 1, from the sign bits of v and of -v (-v wraps for INT32_MIN, which keeps its
   sign bit: -1 then too) */
static inline int32_t sign(int32_t v)
{
    return (v >> 31) | (int32_t)((uint32_t)-v >> 31);
}

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

/* Predictor.features() */
static inline void features(const Channel *ch, int32_t f[4])
{
    const int32_t *h = ch->history;
    f[0] = h[0] - h[1];
    f[1] = h[1] - h[2];
    f[2] = (ch->average[0] >> AVERAGE_FRAC) - h[0];
    f[3] = (ch->average[1] >> AVERAGE_FRAC) - h[0];
}

/* The weighted sum of Predictor.correction(), before its rounding */
static inline int64_t weighted_sum(const Channel *ch, const int32_t f[4])
{
    return (int64_t)ch->weight[0] * f[0] + (int64_t)ch->weight[1] * f[1]
         + (int64_t)ch->weight[2] * f[2] + (int64_t)ch->weight[3] * f[3];
}

/* Predictor.predict() of the weighted sum `acc` */
static inline int32_t predict_sum(const Channel *ch, int64_t acc, int32_t top)
{
    int64_t p = ch->history[0] + ((acc + (1 << (WEIGHT_FRAC - 1))) >> WEIGHT_FRAC);
    return p < 0 ? 0 : p > top ? top : (int32_t)p;
}

/* Predictor.predict() */
static inline int32_t predict(const Channel *ch, const int32_t f[4], int32_t top)
{
    return predict_sum(ch, weighted_sum(ch, f), top);
}

/* Predictor.update() and RiceAdapter.update() */
static inline void update(Channel *ch, const int32_t f[4], int32_t sample, int32_t prediction,
                          int32_t error)
{
    int32_t step = STEP * sign(sample - prediction);
    /* the weights stay well inside their range on recordings (golden/predictor.py), so the
       clamp is a branch almost never taken */
#ifdef USE_SSE2
    /* the four weights at once: + step where the feature is positive, - step where negative */
    const __m128i feature = _mm_setr_epi32(f[0], f[1], f[2], f[3]), zero = _mm_setzero_si128();
    const __m128i minus_step = _mm_set1_epi32(-step);
    __m128i weight = _mm_load_si128((const __m128i *)ch->weight);
    weight = _mm_sub_epi32(weight, _mm_and_si128(_mm_cmpgt_epi32(feature, zero), minus_step));
    weight = _mm_add_epi32(weight, _mm_and_si128(_mm_cmplt_epi32(feature, zero), minus_step));
    _mm_store_si128((__m128i *)ch->weight, weight);
    __m128i outside = _mm_or_si128(_mm_cmpgt_epi32(weight, _mm_set1_epi32(WEIGHT_MAX)),
                                   _mm_cmplt_epi32(weight, _mm_set1_epi32(WEIGHT_MIN)));
    if (__builtin_expect(_mm_movemask_epi8(outside), 0))
        for (int i = 0; i < 4; i++) {
            int32_t w = ch->weight[i];
            ch->weight[i] = w < WEIGHT_MIN ? WEIGHT_MIN : w > WEIGHT_MAX ? WEIGHT_MAX : w;
        }
#else
    for (int i = 0; i < 4; i++) {
        int32_t w = ch->weight[i] + step * sign(f[i]);
        if (__builtin_expect((uint32_t)(w - WEIGHT_MIN) > WEIGHT_MAX - WEIGHT_MIN, 0))
            w = w < WEIGHT_MIN ? WEIGHT_MIN : WEIGHT_MAX;
        ch->weight[i] = w;
    }
#endif
    ch->history[2] = ch->history[1];
    ch->history[1] = ch->history[0];
    ch->history[0] = sample;
    ch->average[0] += ((sample << AVERAGE_FRAC) - ch->average[0]) >> AVERAGE_SHIFT_FAST;
    ch->average[1] += ((sample << AVERAGE_FRAC) - ch->average[1]) >> AVERAGE_SHIFT_SLOW;
    ch->total += error < 0 ? -error : error;
    if (++ch->count == RESET) {
        ch->total = (ch->total + 1) >> 1;
        ch->count >>= 1;
    }
}

/* rice_k(): the least k with count << k >= total, at most width - 1. Without the loop: with
   d the distance between the leading ones of count and total (0 if count's is higher), k
   is d or d + 1. (total >= 1: it starts at 2 or more and halving rounds up.) */
static inline int rice_k(const Channel *ch, int width)
{
    int d = __builtin_clz(ch->count) - __builtin_clz(ch->total);
    d = d < 0 ? 0 : d;
    int k = d + ((ch->count << d) < ch->total);
    return k < width - 1 ? k : width - 1;
}

/* reduce(): error modulo 2**width, in -2**(width-1) .. 2**(width-1) - 1 */
static inline int32_t reduce(int32_t error, int width)
{
    int32_t half = 1 << (width - 1);
    return ((error + half) & ((1 << width) - 1)) - half;
}

/* golden.rice.zigzag(): 0, -1, 1, -2, ... to 0, 1, 2, 3, ...; without a branch, since the
   residual's sign is a coin toss that a branch predictor loses half the time */
static inline uint32_t zigzag(int32_t error)
{
    return ((uint32_t)error << 1) ^ (uint32_t)(error >> 31);
}

/* golden.rice.unzigzag() */
static inline int32_t unzigzag(uint32_t value)
{
    return (int32_t)((value >> 1) ^ -(value & 1));
}

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

/* golden/near.py, for near = δ >= 1: the step 2δ + 1, RANGE, and the sample window; and
   golden.interval.near_shift(), the adc back end's extra bin scale, floor(log2(2δ + 1)). */
typedef struct {
    int32_t near, step, range, top, bins;
} Near;

static Near near_of(int32_t near, int width)
{
    Near n = {near, 2 * near + 1, 0, (1 << width) - 1, 0};
    n.range = (n.top + 2 * near) / n.step + 1;
    n.bins = 31 - __builtin_clz((uint32_t)n.step);
    return n;
}

static inline int32_t clamp_sample(int32_t value, int32_t top)
{
    return value < 0 ? 0 : value > top ? top : value;
}

/* quantise(): sign(e) floor((|e| + δ) / (2δ + 1)) */
static inline int32_t near_quantise(int32_t error, const Near *n)
{
    return error >= 0 ? (error + n->near) / n->step : -((n->near - error) / n->step);
}

/* reduce(): q modulo RANGE, in -(RANGE / 2) .. RANGE - 1 - RANGE / 2 (q + RANGE / 2 > -RANGE) */
static inline int32_t near_reduce(int32_t quantised, const Near *n)
{
    int32_t half = n->range / 2;
    return (quantised + half + n->range) % n->range - half;
}

/* golden.core.encode_stream()'s step before either back end: the features `f` and the
   prediction of `ch`, `*sample` made the value the decoder restores (near-lossless), and the
   reduced residual, returned */
static inline int32_t residual(const Channel *ch, int32_t f[4], int32_t *sample,
                               int32_t *prediction, int32_t top, int width, const Near *n)
{
    features(ch, f);
    *prediction = predict(ch, f, top);
    if (!n->near)
        return reduce(*sample - *prediction, width);
    int32_t quantised = near_quantise(*sample - *prediction, n);
    *sample = clamp_sample(*prediction + quantised * n->step, top);
    return near_reduce(quantised, n);
}

/* restore(): the sample of a reduced residual, the wrap undone */
static inline int32_t near_restore(int32_t prediction, int32_t reduced, const Near *n)
{
    int32_t value = prediction + reduced * n->step;
    if (value < -n->near)
        value += n->range * n->step;
    else if (value > n->top + n->near)
        value -= n->range * n->step;
    return clamp_sample(value, n->top);
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
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

static int check_parameters(int width, Py_ssize_t channels, int near)
{
    if (width < 1 || width > MAX_WIDTH) {
        PyErr_Format(PyExc_ValueError, "sample width must be 1..%d bits, not %d", MAX_WIDTH,
                     width);
        return -1;
    }
    if (channels < 1 || channels > MAX_CHANNELS) {
        PyErr_Format(PyExc_ValueError, "channel count must be 1..%d, not %zd", MAX_CHANNELS,
                     channels);
        return -1;
    }
    int top = (1 << (width - 1)) - 1;
    if (near < 0 || near > top) {
        PyErr_Format(PyExc_ValueError,
                     "near (the error bound \u03b4) must be an integer 0..%d, not %d", top, near);
        return -1;
    }
    return 0;
}

/* Check a buffer of native uint16 values: its length in samples, or -1 with an error set. */
static Py_ssize_t uint16_count(const Py_buffer *buffer, const char *what)
{
    if (buffer->len % 2) {
        PyErr_Format(PyExc_ValueError, "%s must be 16-bit values, not %zd bytes", what,
                     buffer->len);
        return -1;
    }
    return buffer->len / 2;
}

/* golden.core.encode() with coder="rice" into `out`, which has 8 bytes of slack: the end of
   the output, or NULL with *bad the first sample that is not a width-bit value. Without the
   GIL. */
static uint8_t *encode_rice(const uint16_t *samples, Py_ssize_t count, int width,
                            const Near *n, Channel *state, Py_ssize_t channels,
                            uint8_t *out, Py_ssize_t *bad)
{
    const int32_t top = (1 << width) - 1;
    uint8_t *o = out;
    uint64_t acc = 0; /* pending bits in the low `fill` bits */
    int fill = 0;
    Channel *ch = state, *last = state + channels - 1;
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
        /* codeword(zigzag(error), k, width) */
        uint32_t quotient = value >> k;
        int length;
        if (quotient < ESCAPE_ZEROS) {
            length = quotient + 1 + k;
            value = (1u << k) | (value & ((1u << k) - 1));
        } else {
            length = ESCAPE_ZEROS + width;
        }
        /* BitWriter.write(), whole 32-bit words at a time, big-endian */
        acc = (acc << length) | value;
        fill += length;
        /* without a branch: store the top word always, keep it only if it is whole */
        int whole = fill >= 32;
        fill -= 32 * whole;
        store_be32(o, (uint32_t)(acc >> fill));
        o += 4 * whole;
        update(ch, f, sample, prediction, error);
        ch = ch == last ? state : ch + 1;
    }
    /* BitWriter.to_bytes(): the last partial word, without whole padding bytes */
    for (; fill > 0; fill -= 8)
        *o++ = (uint8_t)(fill >= 8 ? acc >> (fill - 8) : acc << (8 - fill));
    return o;
}

/* the ADC-aware back end, coder "adc": its own file, one translation unit with this one */
#include "interval.c"

/* The back end of encode() and decode()'s keywords: 0 rice, 1 arith, 2 adc (`edges` given,
   checked, and `m` opened on them: adc_model_free() to come), or -1 with an error set */
static int coder_of(int arith, const Py_buffer *edges, int width, AdcModel *m)
{
    if (!edges->obj)
        return arith ? 1 : 0;
    if (arith) {
        PyErr_SetString(PyExc_ValueError, "arith and edges (coder \"adc\") exclude each other");
        return -1;
    }
    const int32_t *edge = adc_edges(edges, width);
    if (!edge)
        return -1;
    if (adc_model_open(m, edge, width) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 2;
}

/* golden.core.encode(): the coded stream of native uint16 samples, as bytes; `arith` selects
   coder="arith", `edges` (a table's, neurorice/fast/edges.py) coder="adc", `near` the error
   bound δ. */
static PyObject *encode(PyObject *module, PyObject *args, PyObject *kwargs)
{
    Py_buffer input, edges = {0};
    int width, arith = 0;
    Py_ssize_t channels;
    int near = 0;
    static char *keywords[] = {"", "", "", "arith", "near", "edges", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*in|$piy*:encode", keywords, &input, &width,
                                     &channels, &arith, &near, &edges))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = uint16_count(&input, "samples");
    AdcModel model;
    int coder = -1;
    if (count < 0 || check_parameters(width, channels, near) < 0
        || (coder = coder_of(arith, &edges, width, &model)) < 0)
        goto done;
    const Near n = near_of(near, width);
    const uint16_t *samples = input.buf;
    /* at most ESCAPE_ZEROS + width bits a sample (arith, adc: one less, and RANGE_BITS to
       end), and slack for the 8-byte stores (rice: 4 bytes past the end; arith, adc: 6 past
       the end with the RANGE_BITS, which the count / 8 bytes of slack may not cover) */
    Py_ssize_t bound = count / 8 * (ESCAPE_ZEROS + width) + (count % 8) * 4 + 16;
    uint8_t *out = PyMem_Malloc(bound);
    Channel *state = PyMem_Malloc(channels * sizeof *state);
    if (!out || !state) {
        PyErr_NoMemory();
        goto free;
    }
    for (Py_ssize_t c = 0; c < channels; c++)
        channel_reset(&state[c], width);

    Py_ssize_t bad = -1;
    uint8_t *o;
    Py_BEGIN_ALLOW_THREADS
    if (coder == 2)
        o = encode_adc(samples, count, width, &n, &model, state, channels, out, &bad);
    else
        o = (arith ? encode_arith : encode_rice)(samples, count, width, &n, state, channels,
                                                 out, &bad);
    Py_END_ALLOW_THREADS
    if (!o)
        PyErr_Format(PyExc_ValueError, "sample %zd is %d, not a %d-bit unsigned value", bad,
                     (int)samples[bad], width);
    else
        result = PyBytes_FromStringAndSize((const char *)out, o - out);
free:
    PyMem_Free(out);
    PyMem_Free(state);
done:
    if (coder == 2)
        adc_model_free(&model);
    PyBuffer_Release(&input);
    if (edges.obj)
        PyBuffer_Release(&edges);
    return result;
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

/* golden.core.decode(): count samples as native uint16 bytes. */
static PyObject *decode(PyObject *module, PyObject *args, PyObject *kwargs)
{
    Py_buffer input, edges = {0};
    Py_ssize_t count, channels;
    int width, arith = 0, near = 0;
    static char *keywords[] = {"", "", "", "", "arith", "near", "edges", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*nin|$piy*:decode", keywords, &input,
                                     &count, &width, &channels, &arith, &near, &edges))
        return NULL;
    PyObject *result = NULL;
    AdcModel model;
    int coder = -1;
    if (check_parameters(width, channels, near) < 0
        || (coder = coder_of(arith, &edges, width, &model)) < 0)
        goto done;
    const Near n = near_of(near, width);
    const uint8_t *data = input.buf;
    const Py_ssize_t size = input.len;
    /* a codeword has at least one bit: a longer count fails with the stream's end (arith,
       adc: the buffer grows as it decodes) */
    if (count < 0)
        count = 0;
    Py_ssize_t capacity = count < 8 * size + 1 ? count : 8 * size + 1;
    /* where the capacity is the count (nearly always), the samples go straight into the
       result: a buffer and a copy more would cost every sample 2 bytes of fresh memory,
       paid in page faults */
    PyObject *samples = capacity == count ? PyBytes_FromStringAndSize(NULL, 2 * count) : NULL;
    uint16_t *out = samples ? (uint16_t *)PyBytes_AsString(samples)
                  : capacity < count ? malloc(capacity * 2 + 2) : NULL;
    uint8_t *padded = PyMem_Malloc(size + 8);
    Channel *state = PyMem_Malloc(channels * sizeof *state);
    if (!out || !padded || !state || (coder == 2 && adc_inverse(&model) < 0)) {
        PyErr_NoMemory();
        goto free;
    }
    for (Py_ssize_t c = 0; c < channels; c++)
        channel_reset(&state[c], width);

    const int32_t top = (1 << width) - 1;
    const uint64_t total_bits = 8 * (uint64_t)size;
    /* the stream and 8 zero bytes, so that every codeword is one 64-bit load away */
    memcpy(padded, data, size);
    memset(padded + size, 0, 8);
    int status = DECODED;
    Py_ssize_t i = 0;
    uint64_t position = 0; /* bits consumed */
    Py_BEGIN_ALLOW_THREADS
    Channel *ch = state, *last = state + channels - 1;
    if (arith) {
        BitSource bits = {padded, 0, total_bits};
        status = decode_arith(&bits, count, width, &n, state, channels, &out, &capacity, &i);
        position = bits.position;
    } else if (coder == 2) {
        BitSource bits = {padded, 0, total_bits};
        status = decode_adc(&bits, count, width, &n, &model, state, channels, &out, &capacity,
                            &i);
        position = bits.position;
    }
    for (; coder == 0 && i < count; i++) {
        if (i == capacity) {
            status = TRUNCATED;
            break;
        }
        /* the next 57 bits or more, MSB-aligned */
        uint64_t window = load_be64(padded + (position >> 3)) << (position & 7);
        int32_t f[4];
        features(ch, f);
        int32_t prediction = predict(ch, f, top);
        int k = rice_k(ch, width);
        /* read_codeword(): the stream is truncated if the codeword, read as if zeros
           followed the end, does not end inside it */
        int zeros = window ? __builtin_clzll(window) : 64;
        uint32_t value;
        int length;
        if (zeros < ESCAPE_ZEROS) {
            length = zeros + 1 + k;
            value = ((uint32_t)zeros << k) | (uint32_t)((window << zeros << 1) >> 1 >> (63 - k));
        } else {
            length = ESCAPE_ZEROS + width;
            value = (uint32_t)((window << ESCAPE_ZEROS) >> (64 - width));
        }
        if (position + length > total_bits) {
            status = TRUNCATED;
            break;
        }
        position += length;
        int32_t error = unzigzag(value);
        int32_t sample;
        if (near) {
            if (near_reduce(error, &n) != error) {
                status = OUT_OF_RANGE;
                break;
            }
            sample = near_restore(prediction, error, &n);
        } else {
            sample = (prediction + error) & top;
            if (reduce(sample - prediction, width) != error) {
                status = OUT_OF_RANGE;
                break;
            }
        }
        out[i] = (uint16_t)sample;
        update(ch, f, sample, prediction, error);
        ch = ch == last ? state : ch + 1;
    }
    if (status == DECODED) {
        /* only the zero padding of the last byte may follow */
        uint64_t rest = total_bits - position;
        if (rest >= 8 || (rest && data[size - 1] & ((1u << rest) - 1)))
            status = TRAILING;
    }
    Py_END_ALLOW_THREADS
    if (status == TRUNCATED)
        PyErr_SetString(truncated_error, "compressed stream ends inside a codeword");
    else if (status == OUTSIDE)
        PyErr_SetString(PyExc_ValueError, "arithmetic-coded stream starts outside its interval");
    else if (status == NO_MEMORY)
        PyErr_NoMemory();
    else if (status == OUT_OF_RANGE)
        PyErr_Format(PyExc_ValueError,
                     "residual of sample %zd is out of range: corrupted stream", i);
    else if (status == TRAILING)
        PyErr_SetString(PyExc_ValueError, "compressed stream has data after its last sample");
    else if (status == CODABLE_ESCAPE)
        PyErr_SetString(PyExc_ValueError, "escape of a sample the model can code");
    else
        result = samples ? Py_NewRef(samples)
                         : PyBytes_FromStringAndSize((const char *)out, 2 * count);
free:
    if (samples)
        Py_DECREF(samples);
    else
        free(out);
    PyMem_Free(padded);
    PyMem_Free(state);
done:
    if (coder == 2)
        adc_model_free(&model);
    PyBuffer_Release(&input);
    if (edges.obj)
        PyBuffer_Release(&edges);
    return result;
}

/* golden.samples.values_to_codes(): little-endian int16 values to native uint16 codes through
   a table of 65536 codes indexed by the value's bit pattern (0xFFFF: off the lattice); None
   if any value is off it. */
static PyObject *values_to_codes(PyObject *module, PyObject *args)
{
    Py_buffer pcm, table;
    if (!PyArg_ParseTuple(args, "y*y*:values_to_codes", &pcm, &table))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = uint16_count(&pcm, "values");
    if (count < 0)
        goto done;
    if (table.len != 2 << 16) {
        PyErr_SetString(PyExc_ValueError, "the table must have 65536 16-bit entries");
        goto done;
    }
    uint16_t *out = PyMem_Malloc(2 * count + 2);
    if (!out) {
        PyErr_NoMemory();
        goto done;
    }
    const uint8_t *in = pcm.buf;
    const uint16_t *codes = table.buf;
    uint16_t off = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        uint16_t code = codes[in[2 * i] | in[2 * i + 1] << 8];
        off |= code == 0xFFFF;
        out[i] = code;
    }
    Py_END_ALLOW_THREADS
    if (off)
        result = Py_NewRef(Py_None);
    else
        result = PyBytes_FromStringAndSize((const char *)out, 2 * count);
    PyMem_Free(out);
done:
    PyBuffer_Release(&pcm);
    PyBuffer_Release(&table);
    return result;
}

/* golden.samples.codes_to_values(): native uint16 codes to little-endian int16 values through
   the table of the codes' values (native int16). */
static PyObject *codes_to_values(PyObject *module, PyObject *args)
{
    Py_buffer input, table;
    if (!PyArg_ParseTuple(args, "y*y*:codes_to_values", &input, &table))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = uint16_count(&input, "codes"), entries = uint16_count(&table, "table");
    if (count < 0 || entries < 0)
        goto done;
    /* straight into the result, as decode() */
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, 2 * count);
    if (!bytes)
        goto done;
    uint8_t *out = (uint8_t *)PyBytes_AsString(bytes);
    const uint16_t *codes = input.buf, *values = table.buf;
    Py_ssize_t bad = -1;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        if (codes[i] >= entries) {
            bad = i;
            break;
        }
        uint16_t value = values[codes[i]];
        out[2 * i] = (uint8_t)value;
        out[2 * i + 1] = value >> 8;
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0) {
        PyErr_Format(PyExc_ValueError, "code %zd is %d, beyond the table", bad, codes[bad]);
        Py_DECREF(bytes);
    } else {
        result = bytes;
    }
done:
    PyBuffer_Release(&input);
    PyBuffer_Release(&table);
    return result;
}

/* The container's 16-bit mapping: little-endian int16 `v` to native uint16 `v + 0x8000`. */
static PyObject *offset_values(PyObject *module, PyObject *args)
{
    Py_buffer pcm;
    if (!PyArg_ParseTuple(args, "y*:offset_values", &pcm))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = uint16_count(&pcm, "values");
    uint16_t *out = count < 0 ? NULL : PyMem_Malloc(2 * count + 2);
    if (out) {
        const uint8_t *in = pcm.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < count; i++)
            out[i] = (uint16_t)(in[2 * i] | in[2 * i + 1] << 8) ^ 0x8000;
        Py_END_ALLOW_THREADS
        result = PyBytes_FromStringAndSize((const char *)out, 2 * count);
        PyMem_Free(out);
    } else if (count >= 0) {
        PyErr_NoMemory();
    }
    PyBuffer_Release(&pcm);
    return result;
}

/* Its inverse: native uint16 `u` to little-endian int16 `u - 0x8000`. */
static PyObject *unoffset_values(PyObject *module, PyObject *args)
{
    Py_buffer input;
    if (!PyArg_ParseTuple(args, "y*:unoffset_values", &input))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = uint16_count(&input, "values");
    uint8_t *out = count < 0 ? NULL : PyMem_Malloc(2 * count + 2);
    if (out) {
        const uint16_t *in = input.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < count; i++) {
            uint16_t value = in[i] ^ 0x8000;
            out[2 * i] = (uint8_t)value;
            out[2 * i + 1] = value >> 8;
        }
        Py_END_ALLOW_THREADS
        result = PyBytes_FromStringAndSize((const char *)out, 2 * count);
        PyMem_Free(out);
    } else if (count >= 0) {
        PyErr_NoMemory();
    }
    PyBuffer_Release(&input);
    return result;
}

static PyMethodDef methods[] = {
    {"encode", (PyCFunction)(void (*)(void))encode, METH_VARARGS | METH_KEYWORDS,
     "encode(samples, width, channels, *, arith=False, near=0, edges=None) -> bytes: "
     "golden.core.encode of native uint16 samples (edges: coder \"adc\" with that table)"},
    {"decode", (PyCFunction)(void (*)(void))decode, METH_VARARGS | METH_KEYWORDS,
     "decode(data, count, width, channels, *, arith=False, near=0, edges=None) -> bytes: "
     "golden.core.decode, as native uint16"},
    {"values_to_codes", values_to_codes, METH_VARARGS,
     "values_to_codes(pcm, table) -> bytes | None: little-endian int16 to uint16 codes"},
    {"codes_to_values", codes_to_values, METH_VARARGS,
     "codes_to_values(codes, table) -> bytes: uint16 codes to little-endian int16"},
    {"offset_values", offset_values, METH_VARARGS,
     "offset_values(pcm) -> bytes: little-endian int16 v to uint16 v + 0x8000"},
    {"unoffset_values", unoffset_values, METH_VARARGS,
     "unoffset_values(values) -> bytes: uint16 u to little-endian int16 u - 0x8000"},
    {NULL, NULL, 0, NULL},
};

static int exec_module(PyObject *module)
{
    PyObject *bits = PyImport_ImportModule("golden.bits");
    if (!bits)
        return -1;
    truncated_error = PyObject_GetAttrString(bits, "TruncatedError");
    Py_DECREF(bits);
    if (!truncated_error || PyModule_AddObjectRef(module, "TruncatedError", truncated_error))
        return -1;
    struct { const char *name; long value; } constants[] = {
        {"ESCAPE_ZEROS", ESCAPE_ZEROS}, {"RESET", RESET}, {"AVERAGE_FRAC", AVERAGE_FRAC},
        {"AVERAGE_SHIFT_FAST", AVERAGE_SHIFT_FAST}, {"AVERAGE_SHIFT_SLOW", AVERAGE_SHIFT_SLOW},
        {"WEIGHT_FRAC", WEIGHT_FRAC}, {"WEIGHT_MIN", WEIGHT_MIN}, {"WEIGHT_MAX", WEIGHT_MAX},
        {"STEP", STEP}, {"MAX_WIDTH", MAX_WIDTH}, {"MAX_CHANNELS", MAX_CHANNELS},
        {"RANGE_BITS", RANGE_BITS}, {"PROB_BITS", PROB_BITS}, {"SYMBOLS", SYMBOLS},
        {"TOP_BITS", TOP_BITS}, {"RATE", RATE}, {"MIN_FREQUENCY", MIN_FREQUENCY},
        {"PRIOR_COUNT", PRIOR_COUNT},
    };
    for (size_t i = 0; i < sizeof constants / sizeof *constants; i++)
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value))
            return -1;
    PyObject *prior = PyTuple_New(SYMBOLS);
    if (!prior)
        return -1;
    for (int i = 0; i < SYMBOLS; i++)
        PyTuple_SetItem(prior, i, PyLong_FromLong(PRIOR[i]));
    if (PyModule_AddObjectRef(module, "PRIOR", prior)) {
        Py_DECREF(prior);
        return -1;
    }
    Py_DECREF(prior);
    return adc_add_constants(module);
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef definition = {
    PyModuleDef_HEAD_INIT, "neurorice.fast._core",
    "The golden model's codec core and sample mappings in C, bit for bit.", 0, methods, slots,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModuleDef_Init(&definition); }

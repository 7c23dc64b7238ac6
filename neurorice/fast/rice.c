/* golden/rice.py's codewords, written: the Rice back end's encoder (its decoder is the
   loop of decode() in _core.c). Part of _core.c's one translation unit (#included) */

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

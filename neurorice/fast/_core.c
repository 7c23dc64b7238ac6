/* The codec core of golden/core.py in C, bit for bit, and the container's per-sample work.
 *
 * Each function here does what the named golden function does (same steps, same order, same
 * errors); golden/ is the specification and tests/test_fast_*.py hold the two together. The
 * constants are the golden model's and are exported so that a test can check them.
 *
 * Widths: a sample has at most 16 bits, so a feature lies within +-(2^16 - 1) and a weight
 * within -2^13 .. 2^13 - 1 (WEIGHT_MIN, WEIGHT_MAX); the four products sum within
 * +-(2^31 - 2^15), so the prediction's weighted sum and its rounding are int32. A codeword
 * is at most ESCAPE_ZEROS + 16 = 32 bits, so the bit packer's 64-bit accumulator never
 * holds more than 63 pending bits.
 * `>>` on negative values is arithmetic, as golden's floor shift; gcc or clang (for
 * __builtin_clzll).
 *
 * One translation unit, by golden module: bits.c (golden/bits.py), predictor.c (predictor.py,
 * rice.py's parameter), near.c (near.py), arith.c (arith.py, rangecoder.py), rice.c (rice.py's
 * codewords), interval.c (interval.py, adc.py) and samples.c (samples.py), #included here;
 * this file holds the Python entry points, encode() and decode().
 *
 * Built against the limited API of Python 3.11 (abi3), so that any CPython >= 3.11 loads it.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* SSE2 (every x86-64) where the compiler targets it; NEURORICE_PORTABLE builds the plain C
   that other processors run instead, which tests/test_fast_build.py holds to the same bits */
#if defined(__SSE2__) && !defined(NEURORICE_PORTABLE)
#define USE_SSE2 1
#include <emmintrin.h>
#endif

/* golden/core.py */
#define MAX_WIDTH 16
#define MAX_CHANNELS 65535

static PyObject *truncated_error; /* golden.bits.TruncatedError */

/* The codec by golden module, one translation unit so that the compiler inlines across
   them: each file names the module it follows. */
#include "bits.c"
#include "predictor.c"
#include "near.c"
#include "arith.c"
#include "rice.c"

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

#include "samples.c"

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

/* golden/samples.py: the 10-bit codes and the WAV's 16-bit values, both ways, and the
   container's 16-bit offset mapping. Part of _core.c's one translation unit (#included) */

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

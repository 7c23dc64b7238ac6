"""Latency and throughput, measured on the gate netlist's run against the golden model.

A word leaves the encoder some cycles after the sample whose codeword completes it (the
pipeline latency); a sample's bits leave with the word that holds its codeword's last bit
(the latency a receiver sees). The coded bits of the first ``n`` samples are a prefix of
the stream's for every ``n``: the codec looks ahead zero samples.
"""

import random
import statistics

from golden.bits import LengthRecorder
from golden.core import encode_stream

__all__ = ["lookahead", "measure"]


def measure(samples, run, width, channels, word_width, near=0):
    """Latency and throughput of a :class:`~neurorice.report.gatesim.GateRun` of ``samples``.

    Also checks the run's words against :func:`golden.core.encode_stream` (with ``near``).
    """
    writer = encode_stream(samples, width, channels, LengthRecorder(word_width), near=near)
    words = writer.flush()
    ends, total = [], 0
    for length in writer.lengths:
        total += length
        ends.append(total)
    pipeline, sample_latency = [], []
    j = 0
    for q, (cycle, _, _) in enumerate(run.outputs[:-1]):  # the last word is padding
        boundary = (q + 1) * word_width
        while j < len(ends) and ends[j] < boundary:
            j += 1
        if j < len(run.inputs):
            pipeline.append(cycle - run.inputs[j])
    q = 0
    for i, end in enumerate(ends):
        q = (end - 1) // word_width
        if q < len(run.outputs):
            sample_latency.append(run.outputs[q][0] - run.inputs[i])
    first, last = run.inputs[0], run.inputs[-1]
    return {
        "matches_golden": [word for _, word, _ in run.outputs] == words,
        "samples": len(samples), "words": len(run.outputs),
        "pipeline_cycles": {"min": min(pipeline), "max": max(pipeline),
                            "median": statistics.median(pipeline)},
        "sample_to_bits_cycles": {"min": min(sample_latency), "max": max(sample_latency),
                                  "median": statistics.median(sample_latency)},
        "samples_per_cycle": (len(run.inputs) - 1) / max(1, last - first),
        "lookahead_samples": lookahead(samples[:2000], width, channels),
    }


def lookahead(samples, width, channels, trials=20, seed=1):
    """0 if the bits of ``samples[:n]`` begin the bits of ``samples`` for every ``n`` tried
    (the codeword of a sample depends on no later sample), else ``None``."""
    cuts = sorted(random.Random(seed).sample(range(1, len(samples)),
                                             min(trials, len(samples) - 1)))
    full = _bit_string(encode_stream(samples, width, channels, LengthRecorder(64)))
    prefixes = (_bit_string(encode_stream(samples[:n], width, channels, LengthRecorder(64)))
                for n in cuts)
    return 0 if all(full.startswith(prefix) for prefix in prefixes) else None


def _bit_string(writer):
    length = sum(writer.lengths)
    words = writer.flush()
    text = "".join(f"{word:064b}" for word in words)
    return text[:length]


def rates(summary, fmax_mhz, clock_mhz):
    """Throughput and latency in real units at ``fmax_mhz`` and ``clock_mhz``."""
    spc = summary["samples_per_cycle"]
    result = {"clock_mhz": clock_mhz,
              "pipeline_us": summary["pipeline_cycles"]["max"] / clock_mhz,
              "sample_to_bits_max_us": summary["sample_to_bits_cycles"]["max"] / clock_mhz,
              "samples_per_s_at_clock": spc * clock_mhz * 1e6}
    if fmax_mhz:
        result["samples_per_s_at_fmax"] = spc * fmax_mhz * 1e6
    return result

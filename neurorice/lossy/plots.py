"""The study's figures, as PNG files, from its pooled rows and the overlay alone."""

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"near": ("near-lossless (δ)", "C0", "o"), "mp3": ("MP3 (kbit/s)", "C1", "s"),
         "opus": ("Opus (kbit/s)", "C2", "^")}
TICKS = [2, 3, 5, 7, 10, 15, 20, 30, 50]


def _save(figure, path):
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _by_codec(rows):
    for codec, (name, color, marker) in STYLE.items():
        yield [r for r in rows if r["codec"] == codec], name, color, marker


def _ratio_axis(axes, xlabel="compression ratio (raw / compressed bytes), log scale"):
    axes.set_xscale("log")
    axes.set_xticks(TICKS, labels=[str(t) for t in TICKS])
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_xlabel(xlabel)
    axes.grid(alpha=0.3)


def _curve(axes, rows, key, top=None, x="ratio"):
    """One line a codec, each point a setting, annotated with its δ or kbit/s; a missing
    value (an exact band) drawn at ``top``, or left out without one."""
    for chosen, name, color, marker in _by_codec(rows):
        points = [(r[x], r[key] if r[key] is not None else top, r["value"]) for r in chosen
                  if r[key] is not None or top is not None]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker=marker, color=color,
                  label=name)
        for px, py, value in points:
            axes.annotate(str(value), (px, py), textcoords="offset points", xytext=(3, 3),
                          fontsize=6, color=color)


def bands(rows, path):
    """Ratio against each band's level-matched SNR, and the drift's power kept."""
    figure, panels = plt.subplots(2, 2, figsize=(11, 8))
    snrs = [r[k] for r in rows for k in ("drift_snr_db", "lfp_snr_db", "spike_snr_db")
            if r[k] is not None and r["codec"] in STYLE]
    top = max(snrs, default=0) + 5
    for axes, key, title in [
            (panels[0][0], "spike_snr_db", "spike band 300–3000 Hz: SNR (dB, level-matched)"),
            (panels[0][1], "lfp_snr_db", "LFP 1–300 Hz: SNR (dB, level-matched)"),
            (panels[1][0], "drift_snr_db", "drift below 1 Hz: SNR (dB, level-matched)")]:
        _curve(axes, rows, key, top)
        _ratio_axis(axes)
        axes.set_title(title, fontsize=10)
    axes = panels[1][1]
    kept = [dict(r, drift_kept_pct=None if r["drift_kept"] is None else 100 * r["drift_kept"])
            for r in rows]
    _curve(axes, kept, "drift_kept_pct")
    _ratio_axis(axes)
    axes.set_title("drift below 1 Hz: power kept (%)", fontsize=10)
    panels[0][0].legend(fontsize=8)
    figure.suptitle("Each band's SNR after its own level match (lossless drawn at the top)",
                    fontsize=11)
    _save(figure, path)


def detection(rows, original_truth_f1, path):
    """Ratio against spike F1: agreement with the original on the real recordings (pooled,
    and the per-recording median and quartiles), and against the known spikes of the
    synthetic ones."""
    synthetic = any("truth_f1" in r for r in rows)
    figure, panels = plt.subplots(1, 2 if synthetic else 1, figsize=(12 if synthetic else 7, 4.8),
                                  squeeze=False)
    axes = panels[0][0]
    for chosen, name, color, marker in _by_codec(rows):
        ratios = [r["ratio"] for r in chosen]
        axes.plot(ratios, [r["f1"] for r in chosen], marker=marker, color=color,
                  label=f"{name}, pooled")
        quartiles = [(r["ratio"], r["f1_quartiles"]) for r in chosen if r["f1_quartiles"]]
        if quartiles:
            axes.plot([q[0] for q in quartiles], [q[1][1] for q in quartiles], linestyle="--",
                      color=color, linewidth=1, label=f"{name}, per-recording median")
            axes.fill_between([q[0] for q in quartiles], [q[1][0] for q in quartiles],
                              [q[1][2] for q in quartiles], color=color, alpha=0.15)
    _ratio_axis(axes)
    axes.set_ylabel("F1")
    axes.set_title("real recordings: detections agreeing with the original's\n"
                   "(shaded: per-recording quartiles)", fontsize=10)
    axes.legend(fontsize=7)
    if synthetic:
        axes = panels[0][1]
        _curve(axes, rows, "truth_f1", x="synthetic_ratio")
        if original_truth_f1 is not None:
            axes.axhline(original_truth_f1, color="black", linestyle=":",
                         label=f"uncoded original ({original_truth_f1:.3f})")
        _ratio_axis(axes, "compression ratio on the synthetic recordings, log scale")
        axes.set_ylabel("F1")
        axes.set_title("synthetic recordings: detections against the known spikes", fontsize=10)
        axes.legend(fontsize=7)
    _save(figure, path)


def overlay(spikes, labels, path):
    """Each drawn spike, the original and the chosen settings' restored signals: the ADC
    codes above, the spike band below."""
    figure, panels = plt.subplots(2, len(spikes), figsize=(5.5 * len(spikes), 7),
                                  squeeze=False)
    for column, spike in enumerate(spikes):
        start = spike["window"][0]
        for row, (key, ylabel) in enumerate([("codes", "ADC code"),
                                             ("band", "spike band 300–3000 Hz (codes)")]):
            axes = panels[row][column]
            for name in ["original", *labels]:
                signal = spike[key][name]
                times = [(start + i) / 19.531 for i in range(len(signal))]
                axes.plot(times, signal, label=name,
                          linewidth=2.4 if name == "original" else 1.1,
                          color="black" if name == "original" else None)
            axes.set(xlabel="ms from the threshold crossing", ylabel=ylabel)
            axes.grid(alpha=0.3)
        panels[0][column].set_title(f"{spike['recording'].rsplit('/', 1)[-1][:8]}…, sample"
                                    f" {spike['spike']} (σ = {spike['sigma']:.1f} codes)",
                                    fontsize=10)
    panels[0][0].legend(fontsize=7)
    _save(figure, path)

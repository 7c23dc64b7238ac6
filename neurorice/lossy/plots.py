"""The study's figures, as PNG files, from its pooled rows and the overlay alone."""

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"near": ("near-lossless (δ)", "C0", "o"), "mp3": ("MP3 (kbit/s)", "C1", "s"),
         "opus": ("Opus (kbit/s)", "C2", "^")}


def _save(figure, path):
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _by_codec(rows):
    for codec, (name, color, marker) in STYLE.items():
        yield [r for r in rows if r["codec"] == codec], name, color, marker


def ratio_against(rows, key, ylabel, path, top=None):
    """Compression ratio on x, ``key`` on y, one line a codec, each point its setting."""
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for chosen, name, color, marker in _by_codec(rows):
        points = [(r["ratio"], r[key] if r[key] is not None else top, r["value"])
                  for r in chosen]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker=marker, color=color,
                  label=name)
        for x, y, value in points:
            axes.annotate(str(value), (x, y), textcoords="offset points", xytext=(3, 3),
                          fontsize=7, color=color)
    axes.set(xlabel="compression ratio (raw bytes / compressed bytes), log scale",
             ylabel=ylabel, xscale="log")
    axes.set_xticks([2, 3, 5, 7, 10, 15, 20, 30, 50], labels=["2", "3", "5", "7", "10", "15",
                                                              "20", "30", "50"])
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.grid(alpha=0.3)
    axes.legend()
    _save(figure, path)


def overlay(overlay, labels, path):
    """The original and the chosen settings' restored signals around a few spikes."""
    spikes = overlay["spikes"]
    start = overlay["window"][0]
    figure, panels = plt.subplots(1, max(1, len(spikes)), figsize=(4 * max(1, len(spikes)), 4),
                                  squeeze=False)
    for column, spike in enumerate(spikes):
        axes = panels[0][column]
        for name in ["original", *labels]:
            signal = overlay["signals"][name][column]
            times = [(start + i) / 19.531 for i in range(len(signal))]
            axes.plot(times, signal, label=name, linewidth=2.2 if name == "original" else 1.1,
                      color="black" if name == "original" else None)
        axes.set(xlabel="ms from the threshold crossing", ylabel="ADC code",
                 title=f"spike at sample {spike}")
        axes.grid(alpha=0.3)
    panels[0][0].legend(fontsize=7)
    _save(figure, path)

"""Progress on standard error (:mod:`neurorice.progress`)."""

import io

from neurorice.progress import Bar, Log


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_on_a_terminal_redraws_one_line():
    stream = Terminal()
    bar = Bar(4, "compress", stream=stream)
    for done in range(1, 5):
        bar.update(done)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "compress [" + "#" * 30 + "] 4/4" in text


def test_bar_in_a_log_prints_a_line_a_tenth_if_asked():
    stream = io.StringIO()
    bar = Bar(100, "verify", stream=stream, log_tenths=True)
    for done in range(1, 101):
        bar.update(done)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == [f"{j}/100" for j in range(10, 100, 10)]
    quiet = io.StringIO()
    bar = Bar(100, "compress", stream=quiet)
    for done in range(1, 101):
        bar.update(done)
    bar.close()
    assert quiet.getvalue() == ""


def test_bar_ends_its_line_before_a_message():
    stream, out = Terminal(), io.StringIO()
    bar = Bar(2, "near-check", stream=stream)
    bar.update(1)
    bar.say("MISMATCH a.wav", stream=out)
    assert stream.getvalue().count("\n") == 1 and out.getvalue() == "MISMATCH a.wav\n"
    assert stream.getvalue().endswith("1/2  " + stream.getvalue().rsplit("1/2  ", 1)[1])


def test_log_lines_and_quiet():
    stream = io.StringIO()
    Log(stream)("synthesis")
    Log(stream, quiet=True)("placement")
    assert stream.getvalue().endswith("s] synthesis\n") and "placement" not in stream.getvalue()

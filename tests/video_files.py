"""Lossless video files for the tests that feed ComfyUI's LoadVideo (PyAV, ComfyUI's own video library)."""
import numpy as np


def write_video(path, frames, fps=8, sound=None):
    """frames [F,H,W,3] uint8 -> a lossless RGB H.264 file (RGB, so no YUV conversion can differ
    between the test's decoder and ComfyUI's) at ``fps``; sound: (waveform [2, samples] float32 in
    [-1, 1], sample rate), a stereo AAC soundtrack."""
    import fractions

    import av
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264rgb", rate=fractions.Fraction(fps).limit_denominator(1001),
                                      options={"crf": "0", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "rgb24"
        audio = None if sound is None else container.add_stream("aac", rate=sound[1], layout="stereo")
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
        if audio is not None:
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(sound[0], np.float32), format="fltp",
                                               layout="stereo")
            chunk.sample_rate = sound[1]
            container.mux(audio.encode(chunk))
            container.mux(audio.encode())


def tones(seconds, rate):
    """A stereo soundtrack (440 Hz left, 660 Hz right, half amplitude): ([2, samples] float32, rate)."""
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 660 * t)])).astype(np.float32), rate


def read_video(path):
    """The frames [F,H,W,3] uint8 of a video file."""
    import av
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])

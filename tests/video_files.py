"""Lossless video files for the tests that feed ComfyUI's LoadVideo (PyAV, ComfyUI's own video library)."""
import numpy as np


def write_video(path, frames):
    """frames [F,H,W,3] uint8 -> a lossless RGB H.264 file (RGB, so no YUV conversion can differ
    between the test's decoder and ComfyUI's)."""
    import av
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264rgb", rate=8, options={"crf": "0", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "rgb24"
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())


def read_video(path):
    """The frames [F,H,W,3] uint8 of a video file."""
    import av
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])

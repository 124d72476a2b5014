"""The pack's demo: procedural scenes (scenes.py, pure PyTorch) and a small model trained on them
(model.py, the host's own SD3 and AutoencoderKL classes; text_encoder.py; weights/), so a user can
see what LanPaint does without downloading a checkpoint. Training is a developer tool of the
repository (devtools/train_demo_model.py) and does not ship."""

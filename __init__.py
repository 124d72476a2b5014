"""LanPaint node pack for ComfyUI: training-free inpainting with Langevin "thinking" steps.

ComfyUI imports this package and then reads NODE_CLASS_MAPPINGS / NODE_DISPLAY_NAME_MAPPINGS;
they are imported on that first read (PEP 562), so importing the package itself needs no ComfyUI.
pytest imports it as the parent package of every test module, and the core tests
(tests/test_core_*.py) run with PyTorch alone. ComfyUI serves web/ (WEB_DIRECTORY) to its frontend.
"""
__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]
WEB_DIRECTORY = "./web"   # the video mask editor (plain JavaScript, served by ComfyUI as an extension)


def __getattr__(name):
    if name in __all__:
        from . import nodes
        return getattr(nodes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

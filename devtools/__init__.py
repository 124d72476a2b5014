"""Developer tools shared by the tests, benchmarks and the main job (never shipped to users).

One importable package, used from the repository root (pytest, ``python -m devtools.demo``,
``python -m benchmarks.<name>``):
    devtools.host            - in-process ComfyUI loader and tiny seeded / analytic models
    devtools.lanpaint_pack   - import this repository as a ComfyUI node pack
    devtools.tiny_pack       - test-only node pack with tiny stand-in loaders
    devtools.tiny_loaders    - swap a workflow's loaders for tiny ones; install the tiny pack
    devtools.workflow_api    - UI -> API workflow conversion and validation
    devtools.comfy_server    - a real headless ComfyUI server with this pack
    devtools.make_workflows  - generator of the bundled example workflows (the table; its parts in
                               devtools.workflows: family records, builder, layout, thumbnails)
    devtools.node_inputs     - the snapshot of the nodes' published inputs (append-only test)
    devtools.mask_vectors    - the video mask morph's test vectors, shared by the Python and JS tests
    devtools.demo            - the main job
    devtools.demo_model      - the pack's demo model as the tools use it (scene, SIZE, load, PROMPT; the
                               model, its scenes and weights ship in lanpaint_demo/)
    devtools.train_demo_model - its deterministic CPU training script
    devtools.train_demo_video_model - the demo video model's (lanpaint_demo/video_model.py)
"""

"""The bundled workflows' generator, in parts (devtools/make_workflows.py is its command line and
table of workflows):

    catalog     - what the workflows name: pack, hosts, example inputs, model files and URLs
    families    - one record per model family (loaders, sampler settings, guidance, shift, note)
    builder     - the Workflow record and the one builder: record -> graph
    graph       - the layout engine: nodes, links, columns, UI-format JSON
    thumbnails  - the 512x384 JPEG thumbnails
"""

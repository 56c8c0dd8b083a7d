"""Claims (YAML) → Markdown pages for a MkDocs Material fact-check site.

The pipeline, one module a stage: ``load`` (YAML → model) → ``rules``
(consistency checks) → ``render`` (templates → Markdown) → ``write`` (only
changed files). ``model`` defines a claim once; ``cli`` wires the stages.
"""

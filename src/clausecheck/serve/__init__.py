"""`clausecheck serve`: the checker as a web page on the user's own machine, for people who do not use a terminal.

app.py (routes) · security.py (token, host and origin checks) · uploads.py (streamed, bounded
uploads) · checks.py (entries and their tasks) · workers.py (the process pool) · tasks.py (what
a worker does) · history.py (the table in the batch's SQLite store) · i18n.py + strings.yaml
(the page in Japanese and English) · server.py (start-up). Needs the `serve` extra
(Starlette, uvicorn); the rest of clausecheck does not import this package.
"""

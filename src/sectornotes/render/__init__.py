"""Turning the loaded project into outputs: Markdown prose with citations, note and source pages in
HTML, PDFs, charts, exhibits, disclosures and RIXML; `outputs` says where each lives in build/.
"""

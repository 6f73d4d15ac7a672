"""Streamlit glue shared by the pages: the session gate, formatting, and domain errors as messages."""

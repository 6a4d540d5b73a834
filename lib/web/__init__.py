"""How the app is served: the ASGI application around Streamlit (serve.py)."""

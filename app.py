"""AutoGavel — `streamlit run app.py`.

Imported by the server, this module builds an `st.App` that mounts our cookie routes and security
headers on Streamlit's own server. Run as the page script (every rerun), it is the frame: it builds
the navigation from the signed-in user's roles.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    from ops.app_server import with_ops
    from ui.http import MIDDLEWARE, ROUTES, prepare_on_start
    from ui.shell import navigation_only

    navigation_only()

    app = st.App(__file__, routes=ROUTES, middleware=MIDDLEWARE,
                 lifespan=with_ops(prepare_on_start))
else:
    from ui.shell import run_frame

    run_frame()

"""Business rules and services. No Streamlit, no SQL strings: persistence goes through `data.uow`."""

"""Data only: the site maps (sites/*.yaml) and mission templates (templates/*.yaml).

A package so that the wheel ships them and the server finds them through importlib.resources:
in site-packages when installed, in this folder of the checkout when installed editable.
"""

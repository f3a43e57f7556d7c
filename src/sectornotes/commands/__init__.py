"""The command line and the preview server: thin layers that parse options, call the functions
below and print what they return.
"""

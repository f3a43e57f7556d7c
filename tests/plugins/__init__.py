"""Extensions written as a third party would: each one module, registered through a real
entry point (tests/test_extensions.py writes the dist-info), with no edit to sectornotes."""

"""The command line: argparse commands and progress; the only place that prints and exits."""

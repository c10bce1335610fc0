"""The event's report after the show: figures, SVG charts, the page and the files."""

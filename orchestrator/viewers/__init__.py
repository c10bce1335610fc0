"""The viewers' public pages that need the running show: the agenda as it really runs."""

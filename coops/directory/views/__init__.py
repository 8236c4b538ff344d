"""Pages of the directory, one module per area: search.py (the list and the actor page),
map.py, submission.py, moderation.py and opendata.py. Each module lists its own
`urlpatterns`, assembled by coops.directory.urls."""

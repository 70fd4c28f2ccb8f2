"""Settings, layout, the read-once workspace, plan + apply (the only writer), incremental cache, sync."""

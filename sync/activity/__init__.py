"""The activity pages: every sync of a store, filtered, paged by keyset, exported, retried."""

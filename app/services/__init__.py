"""Every state change goes through here: validate → authorise → change → audit → commit once."""

"""The generated "Contributors" page: everyone who wrote or co-wrote pages, newcomers, milestones."""

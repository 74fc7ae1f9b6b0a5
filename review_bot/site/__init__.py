"""The self-hosted site: releases on disk, builds, the deployer, pull-request previews and static serving."""

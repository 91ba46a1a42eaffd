"""Settings variants for `bench/run.py --settings bench.experiments.<name>`: measure a proposed change
before it is made in the shop. Each imports bench.settings and changes one thing."""

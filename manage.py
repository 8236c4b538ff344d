#!/usr/bin/env python
from coops.__main__ import main

if __name__ == "__main__":
    main()

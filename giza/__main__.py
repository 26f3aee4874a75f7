from giza.cli import main

raise SystemExit(main())

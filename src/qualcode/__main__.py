from qualcode.cli.main import main

raise SystemExit(main())

from crmhub.cli import main

raise SystemExit(main())

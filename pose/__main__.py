from pose.tools.cli import main

raise SystemExit(main())

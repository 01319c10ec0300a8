from pose.cli import main

raise SystemExit(main())

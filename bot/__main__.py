from staff.cli.main import main

main()

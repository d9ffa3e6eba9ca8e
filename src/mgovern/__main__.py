from mgovern.cli import main

main()

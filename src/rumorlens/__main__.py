from .cli import main

# Guarded: worker processes started with "spawn" (batch --engine processes) import this module
# again under another name, and must not run the command a second time.
if __name__ == "__main__":
    main()

"""The bottom layer: what every app may import (the domain error base, the view helper that answers it, the
CSV-safe writer). No models and no imports from the project's apps."""

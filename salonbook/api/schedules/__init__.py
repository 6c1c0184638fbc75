"""Working time: the salon's and stylists' schedules, time off, closures and their audit."""

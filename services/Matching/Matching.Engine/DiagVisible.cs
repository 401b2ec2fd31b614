[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("diag")]

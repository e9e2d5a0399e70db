    @{ Kb = {{Kb}}; Kind = {{Kind}}; Role = {{Role}}; Finding = {{Finding}} }

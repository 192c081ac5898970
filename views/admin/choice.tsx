/** A filter form's select, shared by the console's lists. */

/** A select whose first choice, "Any", leaves the filter off. */
export function Choice({ label, name, selected, options }: { label: string; name: string; selected?: string; options: [value: string, text: string][] }) {
  return (
    <label>
      {label}
      <select name={name}>
        <option value="">Any</option>
        {options.map(([value, text]) => <option value={value} selected={value === selected}>{text}</option>)}
      </select>
    </label>
  );
}

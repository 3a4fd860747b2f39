/**
 * A labelled input of the sign-in and change-password cards, with its error (or hint)
 * tied to it for screen readers. Uncontrolled: the form's action reads it.
 */
export function AuthField(props: {
  /** Keeps ids unique per form: `sign-in`, `change-password`. */
  form: string;
  label: string;
  name: string;
  type: string;
  autoComplete: string;
  defaultValue?: string;
  error?: string;
  hint?: string;
  autoFocus?: boolean;
  className?: string;
}) {
  const id = `${props.form}-${props.name}`;
  const described = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {props.label}
      </label>
      <input
        // Re-mounted with the kept value after each attempt (React resets a form after its action).
        key={props.defaultValue}
        id={id}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        autoFocus={props.autoFocus}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        className={`input w-full ${props.className ?? ""} ${props.error ? "border-bad" : ""}`}
      />
      {props.error ? (
        <p id={`${id}-error`} className="text-sm text-bad">
          {props.error}
        </p>
      ) : props.hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

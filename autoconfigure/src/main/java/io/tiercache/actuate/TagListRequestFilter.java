package io.tiercache.actuate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets {@code POST /actuator/tiercache} take its tags as a JSON array,
 * <code>{"tags": ["product:42", "category:7"]}</code>, which Spring Boot's actuator
 * refuses on its own: it reads the body of a web operation as a map of strings. The array
 * goes on as repeated {@code tags} request parameters, which the actuator hands to
 * {@link TierCacheEndpoint#invalidate} as a list, each element one whole tag. Any other
 * body goes on as it came. Servlet applications only, on the application's own port.
 *
 * @since 0.1.0
 */
public final class TagListRequestFilter extends OncePerRequestFilter {

	/** Far more than the 1,000 tags a request may invalidate. */
	static final int MAX_BODY_BYTES = 1 << 20;

	private static final String TAGS = "tags";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String path;

	/**
	 * Create the filter.
	 * @param path the endpoint's path within the application, such as
	 * {@code /actuator/tiercache}
	 */
	public TagListRequestFilter(String path) {
		this.path = path;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String uri = request.getRequestURI().substring(request.getContextPath().length());
		return !"POST".equals(request.getMethod()) || !this.path.equals(uri);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
		if (body.length > MAX_BODY_BYTES) {
			response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
					"A tiercache request body may hold at most " + MAX_BODY_BYTES + " bytes");
			return;
		}
		List<String> tags = tagList(body);
		chain.doFilter((tags != null) ? new TagParameters(request, tags) : new Replayed(request, body), response);
	}

	/**
	 * The tags of <code>{"tags": [...]}</code> whose elements are all strings or numbers,
	 * or {@code null} for any other body.
	 */
	private static @Nullable List<String> tagList(byte[] body) {
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
		JsonNode array = (root != null && root.isObject() && root.size() == 1) ? root.get(TAGS) : null;
		if (array == null || !array.isArray()) {
			return null;
		}
		List<String> tags = new ArrayList<>(array.size() + 1);
		for (JsonNode element : array) {
			if (!element.isString() && !element.isNumber()) {
				return null;
			}
			tags.add(element.asString());
		}
		if (tags.size() == 1) {
			// One parameter value reaches the endpoint as a string, which it splits at
			// commas; a repeat, which it drops, keeps it a list of whole tags.
			tags.add(tags.get(0));
		}
		return tags;
	}

	/** The request with an empty JSON body and the tags as parameters. */
	private static final class TagParameters extends HttpServletRequestWrapper {

		private static final byte[] EMPTY_OBJECT = { '{', '}' };

		private final Map<String, String[]> parameters;

		TagParameters(HttpServletRequest request, List<String> tags) {
			super(request);
			Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
			parameters.put(TAGS, tags.toArray(String[]::new));
			this.parameters = Collections.unmodifiableMap(parameters);
		}

		@Override
		public @Nullable String getParameter(String name) {
			String[] values = this.parameters.get(name);
			return (values != null && values.length > 0) ? values[0] : null;
		}

		@Override
		public Map<String, String[]> getParameterMap() {
			return this.parameters;
		}

		@Override
		public Enumeration<String> getParameterNames() {
			return Collections.enumeration(this.parameters.keySet());
		}

		@Override
		public String @Nullable [] getParameterValues(String name) {
			return this.parameters.get(name);
		}

		@Override
		public int getContentLength() {
			return EMPTY_OBJECT.length;
		}

		@Override
		public long getContentLengthLong() {
			return EMPTY_OBJECT.length;
		}

		@Override
		public ServletInputStream getInputStream() {
			return new BytesInputStream(EMPTY_OBJECT);
		}

	}

	/** The request as it came, its body read once here and again by the actuator. */
	private static final class Replayed extends HttpServletRequestWrapper {

		private final byte[] body;

		Replayed(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			return new BytesInputStream(this.body);
		}

	}

	private static final class BytesInputStream extends ServletInputStream {

		private final ByteArrayInputStream bytes;

		BytesInputStream(byte[] bytes) {
			this.bytes = new ByteArrayInputStream(bytes);
		}

		@Override
		public int read() {
			return this.bytes.read();
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			return this.bytes.read(buffer, offset, length);
		}

		@Override
		public boolean isFinished() {
			return this.bytes.available() == 0;
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setReadListener(ReadListener listener) {
			throw new UnsupportedOperationException("The body is already read");
		}

	}

}
